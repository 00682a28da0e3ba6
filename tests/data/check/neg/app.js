const token = req.headers.authorization;
const secret = process.env.JWT_SECRET;
function passwordValid(password) { return password.length >= 12; }
const apiKey = config.get('apiKey');
export const TOKEN_TYPE = "Bearer";
